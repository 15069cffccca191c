import { useEffect, type ReactNode } from 'react';

/** The title row of a page; also sets the document title so tabs and history read well. */
export function PageHeader({
  title,
  subtitle,
  breadcrumbs,
  actions,
  documentTitle,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  breadcrumbs?: ReactNode;
  actions?: ReactNode;
  documentTitle?: string;
}) {
  const text = documentTitle ?? (typeof title === 'string' ? title : undefined);
  useEffect(() => {
    if (text) document.title = `${text} · Drover`;
  }, [text]);
  return (
    <div className="page-header">
      <div>
        {breadcrumbs && <div className="breadcrumbs">{breadcrumbs}</div>}
        <h1>{title}</h1>
        {subtitle && <div className="subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}
